# A /62 lies between /44 and /64 but is not a multiple of /4: AWS rejects it at apply, and the aws
# provider (which only checks that the block is a network address) plans it without complaint.
resource "aws_vpc" "main" {
  cidr_block                       = "10.0.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

# expect: subnet-cidr-size
resource "aws_subnet" "quarter" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.1.0/24"
  ipv6_cidr_block = "2600:1f18:abc:de00::/62"
}
