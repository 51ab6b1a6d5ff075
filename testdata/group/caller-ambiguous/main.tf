# The module of caller-argument, called twice. module.a passes `single_nat = true` and
# `one_table = true`, module.b both false: the route table the second private subnet uses reads
# both, so either could be the cause, and the cross-az-nat finding stays at the module's code.
module "a" {
  source = "../caller-argument/modules/vpc"

  cidr       = "10.1.0.0/16"
  single_nat = true
  one_table  = true
}

module "b" {
  source = "../caller-argument/modules/vpc"

  cidr       = "10.2.0.0/16"
  single_nat = false
  one_table  = false
}
