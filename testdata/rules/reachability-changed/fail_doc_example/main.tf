resource "aws_network_acl_rule" "app_in_deny_ssh" {
  network_acl_id = aws_network_acl.app.id
  rule_number    = 100
  egress         = false
  protocol       = "tcp"
  from_port      = 22
  to_port        = 22
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
}
