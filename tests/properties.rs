use tinct::*;
