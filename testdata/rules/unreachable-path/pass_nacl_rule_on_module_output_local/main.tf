# The allow rules are added by the caller on a module output that the module sets through a
# local: the plan does not say which ACL they belong to, so no ACL may be declared deny-all.
module "net" { source = "./modules/net" }
resource "aws_network_acl_rule" "in_all" {
  network_acl_id = module.net.nacl_id
  rule_number    = 100
  egress         = false
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}
resource "aws_network_acl_rule" "out_all" {
  network_acl_id = module.net.nacl_id
  rule_number    = 100
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}
