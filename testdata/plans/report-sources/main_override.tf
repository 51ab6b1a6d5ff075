resource "aws_subnet" "overridden" {
  cidr_block = "10.60.130.0/30"
}
