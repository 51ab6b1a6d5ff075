expect "web-to-app" {
  from      = "aws_instance.web"
  to        = "aws_instance.app"
  protocol  = "tcp"
  ports     = "8080"
  reachable = true
}
