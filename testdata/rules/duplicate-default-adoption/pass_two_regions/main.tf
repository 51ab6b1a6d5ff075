# One default VPC per region: adopting each region's once is fine.
resource "aws_default_vpc" "east" {}

resource "aws_default_vpc" "west" {
  provider = aws.west
}
