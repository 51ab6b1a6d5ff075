variable "cidr" { type = string }
variable "az" { type = string }
resource "aws_vpc" "this" {
  cidr_block = var.cidr
}
resource "aws_subnet" "private" {
  vpc_id            = aws_vpc.this.id
  cidr_block        = cidrsubnet(var.cidr, 8, 1)
  availability_zone = var.az
}
resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
}
resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}
locals {
  # terraform-aws-modules/vpc exposes its table ids this way (private_route_table_ids)
  private_route_table_ids = [aws_route_table.private.id]
}
output "vpc_id" { value = aws_vpc.this.id }
output "private_route_table_ids" { value = local.private_route_table_ids }
