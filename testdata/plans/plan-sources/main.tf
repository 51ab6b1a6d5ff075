# Plan mode with the sources beside the plan (docs/hcl-mode.md, "A plan and its sources"):
# the links below are decided only by evaluating these files with the plan's variables.
variable "app_index" {
  type    = number
  default = 1
}

module "net" {
  source = "./modules/net"
  cidr   = "10.70.0.0/16"
  zones  = { a = 1, b = 2 }
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "app servers"
  vpc_id      = module.net.vpc_id

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

# `element()` over a module output built by `for`, indexed by a variable.
resource "aws_instance" "app" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  subnet_id              = element(module.net.private_subnet_list, var.app_index)
  vpc_security_group_ids = [aws_security_group.app.id]
}
