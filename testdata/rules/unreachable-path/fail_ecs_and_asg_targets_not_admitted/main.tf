# Targets registered by an ECS service (`load_balancer` block) and by an autoscaling group
# (`target_group_arns`) listen on 3000, but their group admits the load balancer on 8080: the
# load balancer cannot reach any target (health checks fail, every request gets a 502).
resource "aws_vpc" "main" {
  cidr_block = "10.7.0.0/16"
}
resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}
resource "aws_subnet" "pub" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.7.${count.index}.0/24"
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}
resource "aws_route_table_association" "pub" {
  count          = 2
  subnet_id      = aws_subnet.pub[count.index].id
  route_table_id = aws_route_table.public.id
}
resource "aws_subnet" "app" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.7.${count.index + 10}.0/24"
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}
resource "aws_security_group" "alb" {
  name   = "alb"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  ingress {
    from_port   = 8081
    to_port     = 8081
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["10.7.0.0/16"]
  }
}
# expect: unreachable-path
resource "aws_security_group" "target" {
  name   = "target"
  vpc_id = aws_vpc.main.id
  ingress { # wrong port: the targets listen on 3000
    from_port       = 8080
    to_port         = 8080
    protocol        = "tcp"
    security_groups = [aws_security_group.alb.id]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_lb" "web" {
  name               = "web"
  internal           = false
  load_balancer_type = "application"
  subnets            = aws_subnet.pub[*].id
  security_groups    = [aws_security_group.alb.id]
}
resource "aws_lb_target_group" "ecs" {
  name        = "ecs"
  port        = 3000
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id
}
resource "aws_lb_target_group" "asg" {
  name     = "asg"
  port     = 3000
  protocol = "HTTP"
  vpc_id   = aws_vpc.main.id
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.ecs.arn
  }
}
resource "aws_lb_listener" "admin" {
  load_balancer_arn = aws_lb.web.arn
  port              = 8081
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.asg.arn
  }
}
resource "aws_ecs_cluster" "c" {
  name = "c"
}
resource "aws_ecs_service" "svc" {
  name            = "svc"
  cluster         = aws_ecs_cluster.c.id
  task_definition = "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1"
  desired_count   = 2
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = aws_subnet.app[*].id
    security_groups = [aws_security_group.target.id]
  }
  load_balancer {
    target_group_arn = aws_lb_target_group.ecs.arn
    container_name   = "app"
    container_port   = 3000
  }
}
resource "aws_launch_template" "lt" {
  name_prefix            = "asg-"
  image_id               = "ami-0123456789abcdef0"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.target.id]
}
resource "aws_autoscaling_group" "asg" {
  name                = "asg"
  min_size            = 1
  max_size            = 2
  vpc_zone_identifier = aws_subnet.app[*].id
  target_group_arns   = [aws_lb_target_group.asg.arn]
  launch_template {
    id      = aws_launch_template.lt.id
    version = "$Latest"
  }
}
