# Three VPCs from one module, each by its own `module` block. They differ by their inputs:
# module.dev alone has `single_nat = true` (its second private subnet uses the NAT gateway of
# the other AZ: cross-az-nat), module.edge alone has a public CIDR (public-vpc-cidr). Each
# finding points at the caller's argument that causes it, not at the module's code, which is
# the same for all three.
module "prod" {
  source = "./modules/vpc"

  cidr       = "10.1.0.0/16"
  single_nat = false
  one_table  = false
}

module "dev" {
  source = "./modules/vpc"

  cidr       = "10.2.0.0/16"
  single_nat = true
  one_table  = false
}

module "edge" {
  source = "./modules/vpc"

  cidr       = "192.173.0.0/16"
  single_nat = false
  one_table  = false
}
