# The default route to the IGW is added by the caller on a module output that the module sets
# through a local (as terraform-aws-modules/vpc does): the plan does not say which table it is on,
# so no table may be declared without an IGW route.
module "net" {
  source = "./modules/net"
}
# default route added by the caller, as usual with modules
resource "aws_route" "public_default" {
  route_table_id         = module.net.public_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = module.net.igw_id
}
resource "aws_vpc_security_group_egress_rule" "web_all" {
  security_group_id = module.net.web_sg_id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
resource "aws_vpc_security_group_ingress_rule" "web_https" {
  security_group_id = module.net.web_sg_id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = module.net.public_subnet_id
  vpc_security_group_ids = [module.net.web_sg_id]
}
