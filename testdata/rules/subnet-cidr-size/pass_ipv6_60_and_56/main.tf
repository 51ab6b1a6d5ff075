# Since November 2023 AWS takes IPv6 subnets from /44 to /64 in steps of /4: a /60 and a /64
# carved from the VPC's Amazon-provided /56 are both fine (only a /64 was allowed before).
resource "aws_vpc" "main" {
  cidr_block                       = "10.0.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_subnet" "wide" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.1.0/24"
  ipv6_cidr_block = "2600:1f18:abc:de00::/60"
}

resource "aws_subnet" "classic" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.2.0/24"
  ipv6_cidr_block = "2600:1f18:abc:de10::/64"
}
