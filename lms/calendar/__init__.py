"""The member's calendar: a personal iCalendar feed and "add to calendar" files (the roof)."""
