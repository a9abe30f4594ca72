"""Live hosted sessions: PIN join, host console, big screen, phones, speed scoring, and the
stage formats of on-site knowledge competitions (required, buzzer and risk rounds, judges)."""
