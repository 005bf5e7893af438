// Fails while loading, before it ever serves.
throw new Error('fixture cannot load');
