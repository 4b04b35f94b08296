"""news-event-streams: real-time event extraction from news on Kafka and Faust."""

__version__ = "0.1.0"
