"""Fulian (婦聯基層工作平台): the grassroots work platform of a district Women's Federation."""
