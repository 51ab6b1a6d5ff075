ignore {
  rule    = "cross-az-nat"
  address = "module.vpc[\"a\"].**"
  reason  = "vpc a is a development network: one NAT gateway accepted"
}
