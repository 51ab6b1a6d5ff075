# "report-update" as first applied: the legacy subnet already overlaps subnet a.
resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.70.1.0/24"
}

resource "aws_subnet" "legacy" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.70.1.128/25"
}
