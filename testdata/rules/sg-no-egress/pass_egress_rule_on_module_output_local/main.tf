# The egress rule is added by the caller on a module output that the module sets through a local:
# the plan does not say which group it belongs to, so no group may be declared without egress.
module "net" {
  source = "./modules/net"
}
# the caller opens the module's group
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
