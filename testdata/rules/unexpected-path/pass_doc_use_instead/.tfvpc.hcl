expect "db-private" {
  from      = "aws_instance.app"
  to        = "aws_instance.db"
  protocol  = "tcp"
  ports     = "5432"
  reachable = true
}
