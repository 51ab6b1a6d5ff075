resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, 10 + count.index)
  availability_zone = count.index == 0 ? "us-east-1a" : "us-east-1b"
}

# expect: subnet-cidr-overlap
resource "aws_subnet" "reporting" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.11.128/25" # inside private[1] (10.0.11.0/24)
  availability_zone = "us-east-1b"
}
