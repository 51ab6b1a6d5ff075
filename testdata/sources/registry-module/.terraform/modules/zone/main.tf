# Downloaded module code: tfvpc must not point findings here.
resource "aws_subnet" "this" {
  vpc_id     = var.vpc_id
  cidr_block = var.cidr
}
