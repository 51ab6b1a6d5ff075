variable "name" {
  type        = string
  description = "VPC name, used in every Name tag."
}

variable "cidr" {
  type        = string
  description = "The VPC's IPv4 block (a /16)."
}

variable "azs" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

variable "public_subnet_count" {
  type = number
}

variable "private_subnet_count" {
  type = number
}

variable "single_nat" {
  type        = bool
  default     = false
  description = "One NAT gateway for the whole VPC instead of one per AZ."
}

variable "transit_gateway_id" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}
