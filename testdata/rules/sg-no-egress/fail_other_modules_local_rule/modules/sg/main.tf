# Shape of terraform-aws-modules/security-group: rules point at the group through a local.
variable "vpc_id" { type = string }
variable "name" { type = string }
resource "aws_security_group" "this" {
  name   = var.name
  vpc_id = var.vpc_id
}
locals {
  this_sg_id = aws_security_group.this.id
}
resource "aws_security_group_rule" "egress_all" {
  type              = "egress"
  security_group_id = local.this_sg_id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}
output "id" { value = aws_security_group.this.id }
