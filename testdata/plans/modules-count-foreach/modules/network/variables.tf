variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

variable "azs" {
  type = list(string)
}

variable "single_nat" {
  description = "One NAT gateway (in the first AZ) for the whole VPC instead of one per AZ."
  type        = bool
  default     = false
}

variable "create_app_tier" {
  type    = bool
  default = true
}

variable "create_data_tier" {
  type    = bool
  default = false
}
