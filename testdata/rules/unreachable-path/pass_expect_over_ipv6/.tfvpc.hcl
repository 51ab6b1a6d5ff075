expect "web-https" {
  from      = "internet"
  to        = "aws_instance.web"
  protocol  = "tcp"
  ports     = "443"
  reachable = true
}
expect "v6-out" {
  from      = "aws_instance.v6"
  to        = "internet"
  protocol  = "tcp"
  ports     = "443"
  reachable = true
}
expect "web-https-from-v6-literal" {
  from      = "2606:4700::1"
  to        = "aws_instance.web"
  protocol  = "tcp"
  ports     = "443"
  reachable = true
}
