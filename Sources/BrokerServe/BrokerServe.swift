/// `broker serve`: the OpenAI-compatible endpoint, the marketplace API and web page.
public enum BrokerServe {}
