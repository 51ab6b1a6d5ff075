variable "name" {
  type = string
}

variable "subnet_ids" {
  type        = list(string)
  description = "Subnets the instances are spread over, round robin."
}

variable "security_group_ids" {
  type = list(string)
}

variable "instance_count" {
  type    = number
  default = 2
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "log_streams" {
  type    = list(string)
  default = ["app", "access", "audit", "worker"]
}

variable "tags" {
  type    = map(string)
  default = {}
}
