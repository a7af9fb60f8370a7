"""The web application (网页端): pages, the JSON API and their one way into the services."""
