"""Problems and the renderers that print them."""
