# Three instances of one VPC module, each with a single NAT gateway: every instance's private
# subnet in us-east-1b reaches the internet through the NAT in us-east-1a. One defect at one
# line of the module (and one caller argument), one finding listing the three instances.
# expect: cross-az-nat module.vpc["a"].aws_subnet.private[1]
# expect: s3-via-nat module.vpc["a"].aws_route_table.private[0]
module "vpc" {
  source   = "./modules/vpc"
  for_each = { a = "10.1.0.0/16", b = "10.2.0.0/16", c = "10.3.0.0/16" }

  cidr       = each.value
  single_nat = true
}
