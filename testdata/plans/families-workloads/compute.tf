variable "ami_id" {
  type    = string
  default = "ami-0c02fb55956c7d316"
}

# Bastion with a public IP.
resource "aws_instance" "bastion" {
  ami                         = var.ami_id
  instance_type               = "t3.micro"
  subnet_id                   = aws_subnet.public[0].id
  associate_public_ip_address = true
  vpc_security_group_ids      = [aws_security_group.app.id]
  tags                        = merge(local.tags, { Name = "bastion" })
}

# NAT instance: forwards traffic for the private subnets.
resource "aws_instance" "nat" {
  ami                         = var.ami_id
  instance_type               = "t3.small"
  subnet_id                   = aws_subnet.public[1].id
  associate_public_ip_address = true
  source_dest_check           = false
  vpc_security_group_ids      = [aws_security_group.nat.id]
  tags                        = merge(local.tags, { Name = "nat-instance" })
}

# App instance built on a pre-created ENI.
resource "aws_network_interface" "app" {
  subnet_id       = aws_subnet.private[0].id
  private_ips     = ["10.40.10.50"]
  security_groups = [aws_security_group.app.id]
  tags            = merge(local.tags, { Name = "app-eni" })
}

resource "aws_network_interface_sg_attachment" "app_monitoring" {
  security_group_id    = aws_security_group.monitoring.id
  network_interface_id = aws_network_interface.app.id
}

resource "aws_instance" "app" {
  ami           = var.ami_id
  instance_type = "t3.medium"

  network_interface {
    network_interface_id = aws_network_interface.app.id
    device_index         = 0
  }

  tags = merge(local.tags, { Name = "app" })
}

# --- load balancers -----------------------------------------------------------------------

resource "aws_lb" "public" {
  name               = "${local.name}-alb"
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.alb.id]
  tags               = local.tags
}

resource "aws_lb_target_group" "app" {
  name        = "${local.name}-app"
  port        = 8080
  protocol    = "HTTP"
  target_type = "instance"
  vpc_id      = aws_vpc.main.id

  health_check {
    path = "/healthz"
    port = "traffic-port"
  }
}

resource "aws_lb_target_group_attachment" "app" {
  target_group_arn = aws_lb_target_group.app.arn
  target_id        = aws_instance.app.id
  port             = 8080
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.public.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }
}

resource "aws_lb" "internal" {
  name               = "${local.name}-nlb"
  load_balancer_type = "network"
  internal           = true
  subnets            = aws_subnet.private[*].id
  tags               = local.tags
}

resource "aws_lb_target_group" "grpc" {
  name        = "${local.name}-grpc"
  port        = 9000
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  health_check {
    protocol = "TCP"
    port     = "9001"
  }
}

resource "aws_lb_target_group_attachment" "grpc" {
  target_group_arn = aws_lb_target_group.grpc.arn
  target_id        = "10.40.10.50"
  port             = 9000
}

resource "aws_lb_listener" "grpc" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 9000
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.grpc.arn
  }
}

# Legacy classic ELB.
resource "aws_elb" "legacy" {
  name            = "${local.name}-legacy"
  subnets         = aws_subnet.public[*].id
  security_groups = [aws_security_group.alb.id]
  instances       = [aws_instance.app.id]

  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }

  health_check {
    target              = "HTTP:8080/healthz"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  tags = local.tags
}

# --- Auto Scaling -------------------------------------------------------------------------

resource "aws_launch_template" "worker" {
  name_prefix            = "${local.name}-worker-"
  image_id               = var.ami_id
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
  tags                   = local.tags
}

resource "aws_autoscaling_group" "worker" {
  name                = "${local.name}-worker"
  min_size            = 1
  max_size            = 4
  desired_capacity    = 2
  vpc_zone_identifier = aws_subnet.private[*].id
  target_group_arns   = [aws_lb_target_group.app.arn]

  launch_template {
    id      = aws_launch_template.worker.id
    version = "$Latest"
  }

  tag {
    key                 = "Name"
    value               = "${local.name}-worker"
    propagate_at_launch = true
  }
}
