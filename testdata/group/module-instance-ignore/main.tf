# The module of rules/cross-az-nat/fail_module_instances, called for three VPCs by one `module`
# block and for one more by its own block. `.tfvpc.hcl` accepts the single NAT of
# module.vpc["a"]; the comment below accepts the one of module.edge. The grouped finding stays
# for module.vpc["b"] and module.vpc["c"].
module "vpc" {
  source   = "./modules/vpc"
  for_each = { a = "10.1.0.0/16", b = "10.2.0.0/16", c = "10.3.0.0/16" }

  cidr       = each.value
  single_nat = true
}

# tfvpc:ignore:cross-az-nat the edge VPC is a test network with one NAT gateway
module "edge" {
  source = "./modules/vpc"

  cidr       = "10.9.0.0/16"
  single_nat = true
}
