# As terraform-aws-modules/alb v9: internal = var.internal, default null (= internet-facing).
variable "internal" {
  type    = bool
  default = null
}
variable "subnets" { type = list(string) }
variable "security_groups" { type = list(string) }
resource "aws_lb" "this" {
  name               = "web"
  load_balancer_type = "application"
  internal           = var.internal
  subnets            = var.subnets
  security_groups    = var.security_groups
}
output "arn" { value = aws_lb.this.arn }
