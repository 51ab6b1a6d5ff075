# IPv6 subnet sizes outside /44–/64: a /40 is larger than the largest, a /65 smaller than the
# smallest. Both plan (the provider does not check sizes) and fail at apply.
resource "aws_vpc" "main" {
  cidr_block                       = "10.0.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

# expect: subnet-cidr-size
resource "aws_subnet" "huge" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.1.0/24"
  ipv6_cidr_block = "2600:1f00::/40"
}

# expect: subnet-cidr-size
resource "aws_subnet" "half" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.2.0/24"
  ipv6_cidr_block = "2600:1f18:abc:de10::/65"
}
