expect "app-from-web" {
  from      = "aws_instance.web"
  to        = "module.app.aws_instance.*"
  protocol  = "tcp"
  ports     = "8080"
  reachable = true
}
