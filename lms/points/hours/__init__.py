"""Study hours (学时): a yearly record of completed work with its source, and yearly targets."""
