# Issue 13: aws_default_security_group, aws_default_network_acl and aws_default_route_table
# reached through module outputs. The root puts the internet route into the adopted main table
# (module.vpc.default_route_table_id) and an instance into the adopted default group
# (module.vpc.default_security_group_id). The public subnet has no explicit association, so it
# uses the main table and the default ACL: HTTPS from the internet reaches the instance; SSH is
# admitted by no group and dropped by the adopted ACL first.
module "vpc" {
  source = "./modules/vpc"
}

resource "aws_route" "internet" {
  route_table_id         = module.vpc.default_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = module.vpc.igw_id
}

resource "aws_instance" "web" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = module.vpc.public_subnet_id
  associate_public_ip_address = true
  vpc_security_group_ids      = [module.vpc.default_security_group_id]
}
