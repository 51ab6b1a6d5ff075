resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"
}
