"""The member home page: it gathers what every package offers the signed-in member."""
