# Issue 13: module outputs that are whole objects. The instance's second security group is the
# VPC's default group, read as module.vpc.vpc.default_security_group_id (AWS's default group
# allows all egress); its own group has no egress rule. Reachable to the internet, no
# sg-no-egress. A map output of for_each subnets is picked by key with a dot.
module "vpc" {
  source = "./modules/vpc"
}

resource "aws_security_group" "app" {
  name   = "app"
  vpc_id = module.vpc.vpc.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }
}

resource "aws_instance" "app" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = module.vpc.public_subnet.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.app.id, module.vpc.vpc.default_security_group_id]
}

# In the "b" subnet of a map output, reached with a dot: module.vpc.subnets.b.id.
resource "aws_instance" "extra" {
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = module.vpc.subnets.b.id
  associate_public_ip_address = true
  vpc_security_group_ids      = [module.vpc.vpc.default_security_group_id]
}
