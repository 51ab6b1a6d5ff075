expect "db-private" {
  from      = "internet"
  to        = "aws_instance.db"
  protocol  = "tcp"
  ports     = "5432"
  reachable = false
}
