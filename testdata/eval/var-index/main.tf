# Issue 13: resource instances indexed by a variable whose value the plan records. The private
# table's default route goes to aws_nat_gateway.this[var.primary] (var.primary = "b", from the
# root variable), the instance sits in aws_subnet.private[var.app_az] (app_az = "a", a constant
# of the module call): reachable through the NAT in us-east-1b, with a cross-AZ charge.
variable "primary" {
  type    = string
  default = "b"
}

module "net" {
  source  = "./modules/net"
  primary = var.primary
  app_az  = "a"
}
