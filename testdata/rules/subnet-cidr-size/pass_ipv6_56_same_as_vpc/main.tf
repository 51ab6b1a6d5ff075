# A subnet's IPv6 block may be the whole of the VPC's: a /56, the size of an Amazon-provided
# block. (This case was `fail_ipv6_not_64` while the rule took only /64, the rule before
# November 2023; AWS now takes /44 to /64 in steps of /4.)
resource "aws_vpc" "main" {
  cidr_block                       = "10.0.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_subnet" "dual" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.1.0/24"
  ipv6_cidr_block = "2600:1f18:abc:de00::/56"
}
