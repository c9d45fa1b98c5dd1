export const BinSize = {
  SMALL: "2yd",
  MEDIUM: "4yd",
  LARGE: "8yd",
};

export const WASTE_KINDS = ["general", "garden", "rubble", "mixed"];
