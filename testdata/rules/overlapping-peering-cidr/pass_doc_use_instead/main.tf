resource "aws_vpc" "data" {
  cidr_block = "10.1.0.0/16"
}
