resource "aws_security_group_rule" "db_from_app" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  source_security_group_id = aws_security_group.app.id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
}

resource "aws_network_acl_rule" "db_deny_app" {
  network_acl_id = aws_network_acl.db.id
  rule_number    = 90 # before the allow at 100
  egress         = false
  protocol       = "tcp"
  rule_action    = "deny"
  cidr_block     = aws_subnet.app.cidr_block
  from_port      = 5432
  to_port        = 5432
}
