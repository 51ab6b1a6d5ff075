resource "aws_network_acl_rule" "db_deny_app" {
  network_acl_id = aws_network_acl.db.id
  rule_number    = 110 # after the allow at 100, or removed
  egress         = false
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = aws_subnet.app.cidr_block
  from_port      = 5432
  to_port        = 5432
}
