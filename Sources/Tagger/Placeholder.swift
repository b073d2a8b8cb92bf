enum TaggerPlaceholder {}
