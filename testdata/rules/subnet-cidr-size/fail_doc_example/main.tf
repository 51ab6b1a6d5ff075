resource "aws_subnet" "tiny" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/29"
}
