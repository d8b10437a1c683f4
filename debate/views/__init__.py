"""The debate app's views, one module per concern (see debate/urls.py)."""
