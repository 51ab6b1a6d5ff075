# Two instances of one local module share a VPC and carve the same range.
resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

module "tier" {
  source   = "./modules/tier"
  for_each = { app = 1, web = 1 }
  vpc_id   = aws_vpc.main.id
  index    = each.value
}
# expect: subnet-cidr-overlap module.tier["web"].aws_subnet.this
